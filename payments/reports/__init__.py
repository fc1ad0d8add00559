"""The municipal audit: read-only figures on partnership activity and spending in one
municipality (scope), for one period (periods), drawn as charts and a coverage map, exported."""
