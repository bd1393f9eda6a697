"""The durable path: events on Apache Kafka, applied by consumer processes.

topics    every topic, declared once
events    the envelope and the base class of every event payload
producer  publish an event and wait for the broker's acknowledgement
consumer  the one consumer loop (dedupe, DLQ, commit after the transaction)
registry  which consumers exist: name → topic, group, handlers
push      channel-layer pushes that happen after the transaction commits
"""
