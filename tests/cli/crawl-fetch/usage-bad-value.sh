crawl-fetch --state s.db --delay -1 http://127.0.0.1:1/
