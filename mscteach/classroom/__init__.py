"""The classroom: exercise sets, grading a class's submissions, item analysis.

Grading runs students' notebooks as untrusted code: :mod:`.sandbox` starts each
one with no capabilities, read-only except a scratch folder, no network;
:mod:`.notebook_runner` executes it there and hands back the answers as plain
data (:mod:`.answers`); :mod:`.scoring` runs the hidden tests on those values
in the trusted grading process, never inside the sandbox.
"""
