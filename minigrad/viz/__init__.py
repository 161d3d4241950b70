"""Pictures of autograd graphs, drawn in Python: no Graphviz needed.

``draw(f, params={'w': w})`` shows a tensor's history inline in Jupyter (SVG); ``make_dot`` gives
torchviz-style DOT text for those who have Graphviz.
"""

from .dot import Dot, ExecutableNotFound, make_dot
from .draw import Drawing, draw
from .graph import Edge, Graph, GraphNode, build_graph
from .layout import Layout, layout
from .order import backward_order
from .svg import to_svg
