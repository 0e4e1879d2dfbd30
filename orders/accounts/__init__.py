"""Shopper, retailer and staff accounts people can trust.

Password reset and change, verified email (nothing is matched to an account by
address until it is verified), and the signed order-status page every buyer gets.
"""
