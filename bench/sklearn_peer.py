"""scikit-learn's side of bench/sklearn.sh: writes the data sets scikit-learn ships as CSV
files split 80/20 (a permutation seeded with 0, the same rows for both sides), and prints
the test score of MLPClassifier / MLPRegressor with their defaults.

    python3 sklearn_peer.py write DIR        # DIR/<name>-train.csv, DIR/<name>-test.csv
    python3 sklearn_peer.py score DIR NAME   # prints: raw-defaults-score scaled-defaults-score

Classes are written by name where scikit-learn names them (iris, wine, breast_cancer), as
people's CSV files have them; digits' classes are the digits. Scores are accuracy for
classes and R² for regression, each the mean over SEEDS initialisations: raw is the
estimator alone, scaled the estimator behind a StandardScaler (what deltaprop does by default).
"""
import csv
import sys
import warnings

import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

SETS = ["iris", "wine", "breast_cancer", "digits", "diabetes"]
REGRESSION = {"diabetes"}
NAMED_CLASSES = {"iris", "wine", "breast_cancer"}
SEEDS = [1, 2, 3]


def write(out):
    for name in SETS:
        d = getattr(datasets, "load_" + name)()
        columns = list(d.feature_names) if getattr(d, "feature_names", None) is not None \
            else ["x%d" % i for i in range(d.data.shape[1])]
        order = np.random.RandomState(0).permutation(len(d.data))
        cut = int(round(0.8 * len(d.data)))
        for part, rows in (("train", order[:cut]), ("test", order[cut:])):
            with open("%s/%s-%s.csv" % (out, name, part), "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(columns + ["target"])
                for i in rows:
                    target = d.target[i]
                    label = (d.target_names[target] if name in NAMED_CLASSES
                             else repr(float(target)) if name in REGRESSION else int(target))
                    w.writerow([repr(float(v)) for v in d.data[i]] + [label])


def read(path):
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    return np.array([[float(v) for v in r[:-1]] for r in rows]), [r[-1] for r in rows]


def score(out, name):
    x, y = read("%s/%s-train.csv" % (out, name))
    xt, yt = read("%s/%s-test.csv" % (out, name))
    if name in REGRESSION:
        y, yt = np.array(y, dtype=float), np.array(yt, dtype=float)
    scores = []
    for scaled in (False, True):
        runs = []
        for seed in SEEDS:
            model = MLPRegressor(random_state=seed) if name in REGRESSION else MLPClassifier(random_state=seed)
            if scaled:
                model = make_pipeline(StandardScaler(), model)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(x, y)
            runs.append(model.score(xt, yt))
        scores.append(np.mean(runs))
    print("%.4f %.4f" % tuple(scores))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        score(sys.argv[2], sys.argv[3])
