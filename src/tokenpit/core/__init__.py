"""The core: the single writer that sequences, journals and applies every command.

`Exchange` is the deterministic state machine (engine + clearing + accounts,
endpoints, instruments); `Core` runs it: it numbers and times each command,
applies it, journals the batch durably (group commit) before acknowledging,
then publishes the events. Imports engine, clearing, specs, grading's statistics
(`tokenpit.grading.stats`, for audits), storage's contract.
"""
