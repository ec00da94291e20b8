"""sync/trackers/jira"""
