"""Domain: money, rates, late interest: pure functions on Decimals."""
