"""Faults and soak: crashes, a lost search index, a Redis outage, sustained load."""
