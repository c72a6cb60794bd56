"""Routers per resource."""
