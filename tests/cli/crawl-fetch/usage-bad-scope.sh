crawl-fetch --state s.db --scope '(' http://127.0.0.1:1/
