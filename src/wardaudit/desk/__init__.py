"""The auditor's desk: review findings by clicking, in a served app (``wardaudit desk``, Voilà) and in the
ward notebook in JupyterLab (:func:`review_panel`). ``cards`` gathers what is shown, ``actions`` does what
the buttons do, ``panel`` is one ward's review panel, ``app`` the served desk, ``server`` serves it."""
