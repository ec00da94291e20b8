"""sync/passes"""
