"""The analysis as a LangGraph state machine: gather, propose (model and tools, then rules), verify, score, finish."""

from functools import cache

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agent.state import AnalysisState
from agent.steps.finish import finish
from agent.steps.gather import gather
from agent.steps.propose import after_model_turn, after_tools, model_turn, propose_with_rules, run_tools
from agent.steps.score import score
from agent.steps.verify import verify


def _after_gather(state: AnalysisState) -> str:
    return "model" if state["config"].model_enabled else "rules"


@cache
def analysis_graph() -> CompiledStateGraph:
    """Build and compile the graph once; it holds no per-analysis data."""
    graph = StateGraph(AnalysisState)
    graph.add_node("gather", gather)
    graph.add_node("model", model_turn)
    graph.add_node("tools", run_tools)
    graph.add_node("rules", propose_with_rules)
    graph.add_node("verify", verify)
    graph.add_node("score", score)
    graph.add_node("finish", finish)

    graph.add_edge(START, "gather")
    graph.add_conditional_edges("gather", _after_gather, {"model": "model", "rules": "rules"})
    graph.add_conditional_edges("model", after_model_turn, {"tools": "tools", "model": "model", "rules": "rules"})
    graph.add_conditional_edges("tools", after_tools, {"model": "model", "rules": "rules"})
    graph.add_edge("rules", "verify")
    graph.add_edge("verify", "score")
    graph.add_edge("score", "finish")
    graph.add_edge("finish", END)
    return graph.compile()
