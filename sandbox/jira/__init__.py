"""sandbox/jira"""
