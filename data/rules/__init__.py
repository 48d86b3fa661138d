"""The rule engine: the warning rules of SPEC §2, the only place that
decides a warning level or holds a threshold. See docs/rules.md.

    breaches = evaluate(engine, date(2026, 11, 20))     # pure, writes nothing
    summary = run(engine)                                # as of the data date, stored
    band("EXEC_LAG", -12.5, budget_fen=50_000_000)       # "yellow"

Pure Python over SQLAlchemy Core: every rule is a set-based evaluation (SQL
GROUP BY or SELECT ... WHERE), never a loop over payments.
"""
from data.rules.breach import Breach
from data.rules.current import breaches_at, is_stored
from data.rules.engine import band, evaluate
from data.rules.grading import LEVEL_ORDER, LEVELS
from data.rules.registry import RULES, Rule, Threshold
from data.rules.settings import (RuleSetting, SettingError, change_setting, load_settings,
                                 setting_history)
from data.rules.store import (RunRecord, RunSummary, StoredBreach, latest_run, run, run_history,
                              stored_breaches)

__all__ = ["Breach", "LEVELS", "LEVEL_ORDER", "RULES", "Rule", "RuleSetting", "RunRecord",
           "RunSummary", "SettingError", "StoredBreach", "Threshold", "band", "breaches_at", "change_setting",
           "evaluate", "is_stored", "latest_run", "load_settings", "run", "run_history", "setting_history",
           "stored_breaches"]
