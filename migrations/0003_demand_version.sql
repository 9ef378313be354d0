-- Counter of changes to the learning questions, so that every instance sees new demand.
INSERT INTO meta (key, value) VALUES ('demand_version', '0');
