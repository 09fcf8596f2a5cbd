"""The syntax tree-sitter-go 0.25 could not parse, and tree-sitter-golang does
(docs/grammar.md): Go 1.26's `new(expr)` and Go 1.27's generic methods parse without an
error, and a leak inside a function using them is found and fixed like any other.
"""

from __future__ import annotations

import pytest

from gofix import validity
from gofix.analysis import syntax as S
from gofix.analysis.testing import assert_codemod


def tree_of(expr: str):
    return S.parse(f"package p\n\nvar v = {expr}\n".encode())


@pytest.mark.parametrize("expr", ["new(42)", "new(uint64(1))", 'new("key")', "new(f())", "new(x + 1)",
                                  "new([]int{1})", "new(e.crc.Sum32())"])
def test_new_of_an_expression_parses(expr):
    tree = tree_of(expr)
    assert S.first_syntax_error(tree) is None
    args = S.captures(S.query(f"(call_expression arguments: ({S.ARGUMENTS} (_) @arg))"), tree.root_node)["arg"]
    first = min(args, key=lambda n: n.start_byte)  # new's argument (nested calls have their own)
    assert S.text(first) == expr[len("new("):-1]


@pytest.mark.parametrize("expr", ["new(T)", "new(pkg.T)", "new(*T)", "new(T[int])", "new(x)"])
def test_new_of_a_type_or_variable_parses(expr):
    assert S.first_syntax_error(tree_of(expr)) is None


def test_a_generic_method_parses():
    src = b"package p\n\ntype R struct{}\n\nfunc (r *R) Map[T any](x T) T { return x }\n\nfunc g() {}\n"
    tree = S.parse(src)
    assert S.first_syntax_error(tree) is None and validity.degrade(tree) is None
    method = next(n for n in tree.root_node.named_children if n.type == "method_declaration")
    assert S.text(method.child_by_field_name("name")) == "Map"
    assert method.child_by_field_name("type_parameters").type == S.TYPE_PARAMETERS
    assert validity.function_name(method) == "(*R).Map"


def test_lost_cancel_next_to_new_of_an_expression_is_fixed():
    # etcd's write-ahead log shape: a Go 1.26 new(expr) in the function with the leak
    assert_codemod(
        "lost-cancel",
        go="1.26",
        before="""
            package p

            import "context"

            type rec struct{ Crc *uint32 }

            func save(parent context.Context, r *rec, sum func() uint32) error {
            	ctx, _ := context.WithCancel(parent)
            	r.Crc = new(sum())
            	return ctx.Err()
            }
        """,
        after="""
            package p

            import "context"

            type rec struct{ Crc *uint32 }

            func save(parent context.Context, r *rec, sum func() uint32) error {
            	ctx, cancel := context.WithCancel(parent)
            	defer cancel()
            	r.Crc = new(sum())
            	return ctx.Err()
            }
        """,
        findings=["discarded"],
    )


def test_unstopped_ticker_in_a_generic_method_is_fixed():
    assert_codemod(
        "unstopped-ticker",
        go="1.27",
        before="""
            package p

            import "time"

            type Pool[T any] struct{ items []T }

            func (p *Pool[T]) Each[U any](f func(T) U) []U {
            	t := time.NewTicker(time.Second)
            	var out []U
            	for _, it := range p.items {
            		<-t.C
            		out = append(out, f(it))
            	}
            	return out
            }
        """,
        after="""
            package p

            import "time"

            type Pool[T any] struct{ items []T }

            func (p *Pool[T]) Each[U any](f func(T) U) []U {
            	t := time.NewTicker(time.Second)
            	defer t.Stop()
            	var out []U
            	for _, it := range p.items {
            		<-t.C
            		out = append(out, f(it))
            	}
            	return out
            }
        """,
        findings=1,
    )
