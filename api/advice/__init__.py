"""Lifelong-learning and career advice requests (issue #17 item 2, web part): a case type beside the FCE."""
