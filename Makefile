.PHONY: run test test-cluster services-up services-down services-status

run:            ## install what is missing, start everything, play at http://127.0.0.1:8000/
	scripts/run

test:           ## the whole test suite against real PostgreSQL, Redis and Kafka
	scripts/test

test-cluster:   ## cluster_tests/ (a 3-node Kafka cluster, nodes killed under load), then the room and friends suites on a Redis Cluster
	scripts/test-cluster

services-up:
	scripts/services up redis kafka postgres

services-down:
	scripts/services down redis kafka postgres kafka-cluster redis-cluster haproxy

services-status:
	scripts/services status redis kafka postgres kafka-cluster redis-cluster haproxy
