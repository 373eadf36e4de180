"""The pieces of tools/train_checker.py (the method is in its docstring): the corpus, the features, fitting
out of fold, thresholds, verdicts as check() gives them, the figures, and writing the pack. Training only: the
bot never imports this package (it needs scikit-learn, requirements-train.txt)."""
