"""Thin commands around the service: run, process, produce, replay, redrive, demo. Each is imported only when its command runs."""
