"""Proof of work: addresses, link checks, links attached to items, and the portfolio."""
