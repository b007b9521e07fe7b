"""The classroom: exercise sets (:mod:`.exercises`), grading a class's submissions (:mod:`.grading`) into a
gradebook (:mod:`.gradebook`), students' self-checks (:mod:`.checks`), item analysis (:mod:`.item_analysis`).

Grading runs students' notebooks as untrusted code: :mod:`.sandbox` starts each
one with no capabilities, read-only except a scratch folder, no network;
:mod:`.notebook_runner` executes it there and hands back the answers as plain
data (:mod:`.answers`); :mod:`.scoring` runs the hidden tests on those values
in the trusted grading process, never inside the sandbox.
"""
