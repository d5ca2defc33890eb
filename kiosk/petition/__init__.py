"""petition"""
