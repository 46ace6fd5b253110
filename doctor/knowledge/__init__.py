"""Knowledge as data: the provider rows, compatibility boundaries, error signatures and finding codes.

Engine code derives every provider-specific map from these tables; no provider literal lives outside them.
"""
