"""sync/trackers/youtrack"""
