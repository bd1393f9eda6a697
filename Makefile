.PHONY: run test services-up services-down services-status

run:            ## install what is missing, start everything, play at http://127.0.0.1:8000/
	scripts/run

test:           ## the whole test suite against real PostgreSQL, Redis and Kafka
	scripts/test

services-up:
	scripts/services up redis kafka postgres

services-down:
	scripts/services down redis kafka postgres

services-status:
	scripts/services status redis kafka postgres
