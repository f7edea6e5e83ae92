"""The WebSocket stream: trades, books, candles, and the caller's own orders and account.

A client subscribes to channels; each connection holds one subscription to the core's
committed events and forwards the ones its channels select. Messages read
`{"channel": ..., "data": {...}}`; a bad request gets `{"error": {...}}` in the API's
error shape and the connection stays open.
"""
