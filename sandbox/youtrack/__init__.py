"""sandbox/youtrack"""
