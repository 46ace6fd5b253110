"""Many environments at once: the environments of a machine (kernels, conda envs), the matrix of their reports.

``sources`` finds the environments (registered kernelspecs, conda envs, ``--python`` given several times),
``run`` examines them (one full check each, all sharing one bounded pool and the fingerprint cache), ``inputs``
reads JSON reports for ``summarize``, ``matrix`` turns schema_version 1 reports into one matrix and grouped
problems, and ``render`` writes it (console, Markdown, JSON, a self-contained HTML page).
"""
