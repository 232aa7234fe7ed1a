"""`newsflow bench`: every stage against its bare limits (transport, compute, model), measured side by side in one run."""
