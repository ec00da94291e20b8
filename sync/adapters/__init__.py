"""sync/adapters"""
