"""What a request reaches: the mock service (select, match, record, answer), its log, the pact
file."""
