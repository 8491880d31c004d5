"""The category tree, read in one query: staff manage it in the admin, the
catalogue shows it beside the results, artists pick from it, the API lists
it. The tree is small (dozens of nodes), so it is walked in Python."""

from dataclasses import dataclass, field

from .models import Category


@dataclass(eq=False)
class Node:
    category: Category
    depth: int
    children: list["Node"] = field(default_factory=list)
    count: int = 0  # items in the current search, sub-categories included

    @property
    def slug(self) -> str:
        return self.category.slug

    @property
    def label(self) -> str:
        return self.category.label


@dataclass
class Tree:
    roots: list[Node]
    by_id: dict[int, Node]

    def flat(self) -> list[Node]:
        """Every node, parents before their children, in position order."""
        nodes = []

        def visit(node):
            nodes.append(node)
            for child in node.children:
                visit(child)

        for root in self.roots:
            visit(root)
        return nodes

    def subtree_ids(self, category_id: int) -> list[int]:
        """``category_id`` and the ids of all its sub-categories."""
        ids, stack = [], [self.by_id[category_id]]
        while stack:
            node = stack.pop()
            if node.category.pk in ids:  # a loop left by hand in the database
                continue
            ids.append(node.category.pk)
            stack.extend(node.children)
        return ids

    def ancestors(self, category_id: int) -> list[Node]:
        """The path from the root down to ``category_id`` (itself included)."""
        path, node = [], self.by_id.get(category_id)
        while node is not None and node not in path:
            path.append(node)
            parent_id = node.category.parent_id
            node = self.by_id.get(parent_id) if parent_id else None
        return path[::-1]

    def set_counts(self, own_counts: dict[int | None, int]) -> None:
        """Each node's count: its own items plus its sub-categories'."""

        def total(node):
            node.count = own_counts.get(node.category.pk, 0) + sum(
                total(child) for child in node.children
            )
            return node.count

        for root in self.roots:
            total(root)


def category_tree() -> Tree:
    """The whole tree (one query), children in position order."""
    categories = list(Category.objects.order_by("position", "name", "pk"))
    by_id = {category.pk: Node(category=category, depth=0) for category in categories}
    roots = []
    for category in categories:
        node = by_id[category.pk]
        parent = by_id.get(category.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)

    def set_depth(node, depth):
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return Tree(roots=roots, by_id=by_id)
