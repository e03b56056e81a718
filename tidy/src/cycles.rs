//! Circles in a directed graph: Tarjan's strongly connected components, and for each component
//! of more than one node the shortest circle through its first node, so a report names a
//! concrete chain of uses to break rather than a bag of modules.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The strongly connected components with more than one node, each sorted, in node order.
pub fn tangles<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    let nodes: BTreeSet<&N> = edges
        .iter()
        .flat_map(|(from, tos)| std::iter::once(from).chain(tos))
        .collect();
    let nodes: Vec<&N> = nodes.into_iter().collect();
    let index_of: BTreeMap<&N, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let successors: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges
                .get(*n)
                .map_or_else(Vec::new, |tos| tos.iter().map(|t| index_of[t]).collect())
        })
        .collect();

    // Tarjan's algorithm, iterative so deep graphs cannot overflow the stack.
    let n = nodes.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut components = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut next_child)) = work.last_mut() {
            if *next_child == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = successors[v].get(*next_child) {
                *next_child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort_unstable();
                    components.push(
                        component
                            .into_iter()
                            .map(|i| nodes[i].clone())
                            .collect::<Vec<N>>(),
                    );
                }
            }
        }
    }
    components.sort();
    components
}

/// The shortest circle `start → … → start` inside `component` (breadth-first), without
/// repeating `start` at the end.
pub fn circle_through<N: Ord + Clone>(
    edges: &BTreeMap<N, BTreeSet<N>>,
    component: &[N],
    start: &N,
) -> Vec<N> {
    let inside: BTreeSet<&N> = component.iter().collect();
    let mut came_from: BTreeMap<&N, &N> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for w in edges.get(v).into_iter().flatten() {
            if !inside.contains(w) {
                continue;
            }
            if w == start {
                let mut circle = vec![v.clone()];
                let mut at = v;
                while at != start {
                    at = came_from[at];
                    circle.push(at.clone());
                }
                circle.reverse();
                return circle;
            }
            if !came_from.contains_key(w) {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start.clone()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(u32, u32)]) -> BTreeMap<u32, BTreeSet<u32>> {
        let mut g: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        for &(a, b) in edges {
            g.entry(a).or_default().insert(b);
        }
        g
    }

    #[test]
    fn a_dag_has_no_tangles() {
        let g = graph(&[(1, 2), (1, 3), (2, 4), (3, 4), (4, 5)]);
        assert!(tangles(&g).is_empty());
    }

    #[test]
    fn each_tangle_is_found_with_its_shortest_circle() {
        // 1 → 2 → 3 → 1 and 2 ⇄ 3 make one tangle, 5 ⇄ 6 another; 4 is in none.
        let g = graph(&[
            (1, 2),
            (2, 3),
            (3, 1),
            (2, 4),
            (4, 5),
            (5, 6),
            (6, 5),
            (3, 2),
        ]);
        let found = tangles(&g);
        assert_eq!(found, [vec![1, 2, 3], vec![5, 6]]);
        assert_eq!(circle_through(&g, &found[0], &1), [1, 2, 3]);
        assert_eq!(circle_through(&g, &found[0], &2), [2, 3]);
        assert_eq!(circle_through(&g, &found[1], &5), [5, 6]);
    }
}
