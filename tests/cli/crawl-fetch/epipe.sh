# A closed pipe downstream ends crawl-fetch quietly by SIGPIPE (141), even
# though SIGPIPE is ignored for libcurl's sockets.
mkdir site
for i in $(seq 200); do printf '<p>page %d %s</p>\n' $i "$(seq 300)" > site/$i.html; done
for i in $(seq 200); do echo "file://$PWD/site/$i.html"; done > seeds
crawl-fetch --state s.db --no-compress seeds | head -c 10 > /dev/null
echo "${PIPESTATUS[0]}"
