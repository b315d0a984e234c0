"""The listener: asyncio + httptools HTTP/1.1 connections, TLS, binding. No matching here."""
