"""Outcomes: responder rules and progress decisions (continue / taper / extend / stop / refer)."""
