"""The Wilson score lower bound against published values."""
import pytest

from liaison.stats.wilson import wilson_interval, wilson_lower_bound


@pytest.mark.parametrize("successes, trials, lower", [
    (1, 1, 0.2065),     # Evan Miller, "How Not To Sort By Average Rating"
    (10, 10, 0.7225),
    (5, 10, 0.2366),
    (0, 10, 0.0),
    (50, 100, 0.4038),  # the textbook interval 0.4038-0.5962
    (27, 30, 0.7438),
    (9, 9, 0.7009),  # n / (n + z^2) when all succeed
])
def test_lower_bound_matches_known_values(successes, trials, lower):
    assert wilson_lower_bound(successes, trials) == pytest.approx(lower, abs=5e-5)


def test_interval_is_symmetric_for_a_half_and_brackets_the_share():
    low, high = wilson_interval(50, 100)
    assert high == pytest.approx(0.5962, abs=5e-5)
    assert low < 0.5 < high


def test_no_trials_means_nothing_is_known():
    assert wilson_lower_bound(0, 0) is None


@pytest.mark.parametrize("successes, trials", [(-1, 3), (4, 3), (0, -1)])
def test_impossible_counts_are_refused(successes, trials):
    with pytest.raises(ValueError):
        wilson_lower_bound(successes, trials)


def test_more_evidence_beats_a_lucky_perfect_score():
    assert wilson_lower_bound(27, 30) > wilson_lower_bound(10, 10) > wilson_lower_bound(2, 2)
