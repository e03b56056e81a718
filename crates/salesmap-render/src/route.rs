//! Orthogonal edge routing around boxes.
//!
//! Every edge leaves its source box at a port (a point on one side, moving outward) and enters
//! its target box at a port. Between the two, the route is a shortest path on a grid of
//! horizontal and vertical lines (box outlines grown by a clearance, port lines, and a regular
//! lattice in the free space), with a cost for each bend, a large cost for running along a
//! stretch another edge already uses, and a small one for crossing another edge. Points within
//! the clearance of any box are off limits, so a route never touches a box other than at its
//! own ports. Edges are routed one after another in the order given, which the caller keeps
//! deterministic.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::geometry::{Point, Rect};

/// Distance kept between a route and any box, and the length of the straight stub at a port.
pub const CLEARANCE: f32 = 12.0;
/// Spacing of the lattice of free-space lines routes may follow.
const LATTICE: f32 = 10.0;
const BEND_COST: u32 = 24;
const CROSS_COST: u32 = 14;
const OVERLAP_COST: u32 = 600;

/// The side of a box a port is on, which is also the direction the edge leaves in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

impl Side {
    fn step(self) -> (f32, f32) {
        match self {
            Side::Top => (0.0, -1.0),
            Side::Bottom => (0.0, 1.0),
            Side::Left => (-1.0, 0.0),
            Side::Right => (1.0, 0.0),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Port {
    pub at: Point,
    pub side: Side,
}

impl Port {
    fn exit(self) -> Point {
        let (dx, dy) = self.side.step();
        Point {
            x: self.at.x + dx * CLEARANCE,
            y: self.at.y + dy * CLEARANCE,
        }
    }
}

/// Direction of travel on the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    East,
    West,
    North,
    South,
}

const DIRS: [Dir; 4] = [Dir::East, Dir::West, Dir::North, Dir::South];

impl Dir {
    fn of(side: Side) -> Dir {
        match side {
            Side::Top => Dir::North,
            Side::Bottom => Dir::South,
            Side::Left => Dir::West,
            Side::Right => Dir::East,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn opposite(self) -> Dir {
        match self {
            Dir::East => Dir::West,
            Dir::West => Dir::East,
            Dir::North => Dir::South,
            Dir::South => Dir::North,
        }
    }

    fn horizontal(self) -> bool {
        matches!(self, Dir::East | Dir::West)
    }
}

/// The routing grid: sorted line coordinates and which points and segments are blocked.
struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// Point (i, j) lies strictly inside a grown box.
    blocked: Vec<bool>,
    /// Horizontal segment (i, j)–(i+1, j) passes through a grown box.
    h_blocked: Vec<bool>,
    /// Vertical segment (i, j)–(i, j+1) passes through a grown box.
    v_blocked: Vec<bool>,
    /// How many routes use each horizontal / vertical unit segment, and each point.
    h_used: Vec<u16>,
    v_used: Vec<u16>,
    p_used: Vec<u16>,
}

impl Grid {
    fn build(boxes: &[Rect], ports: &[Point], width: f32, height: f32) -> Grid {
        let mut fixed_x = Vec::new();
        let mut fixed_y = Vec::new();
        for b in boxes {
            let g = b.grown(CLEARANCE);
            fixed_x.extend([g.x, g.right()]);
            fixed_y.extend([g.y, g.bottom()]);
        }
        for p in ports {
            fixed_x.push(p.x);
            fixed_y.push(p.y);
        }
        let xs = lines(fixed_x, width);
        let ys = lines(fixed_y, height);
        let (nx, ny) = (xs.len(), ys.len());
        let mut grid = Grid {
            blocked: vec![false; nx * ny],
            h_blocked: vec![false; nx * ny],
            v_blocked: vec![false; nx * ny],
            h_used: vec![0; nx * ny],
            v_used: vec![0; nx * ny],
            p_used: vec![0; nx * ny],
            xs,
            ys,
        };
        for b in boxes {
            let g = b.grown(CLEARANCE);
            let inside_x = |x: f32| x > g.x + 0.01 && x < g.right() - 0.01;
            let inside_y = |y: f32| y > g.y + 0.01 && y < g.bottom() - 0.01;
            for j in 0..ny {
                let y = grid.ys[j];
                for i in 0..nx {
                    let x = grid.xs[i];
                    let k = j * nx + i;
                    if inside_x(x) && inside_y(y) {
                        grid.blocked[k] = true;
                    }
                    if i + 1 < nx && inside_y(y) && inside_x((x + grid.xs[i + 1]) / 2.0) {
                        grid.h_blocked[k] = true;
                    }
                    if j + 1 < ny && inside_x(x) && inside_y((y + grid.ys[j + 1]) / 2.0) {
                        grid.v_blocked[k] = true;
                    }
                }
            }
        }
        grid
    }

    fn find(&self, p: Point) -> (usize, usize) {
        (nearest(&self.xs, p.x), nearest(&self.ys, p.y))
    }

    /// The neighbour of (i, j) in `dir`, with the index of the unit segment between them.
    fn step(&self, i: usize, j: usize, dir: Dir) -> Option<(usize, usize, usize)> {
        let nx = self.xs.len();
        let (ni, nj, seg) = match dir {
            Dir::East if i + 1 < nx => (i + 1, j, j * nx + i),
            Dir::West if i > 0 => (i - 1, j, j * nx + i - 1),
            Dir::South if j + 1 < self.ys.len() => (i, j + 1, j * nx + i),
            Dir::North if j > 0 => (i, j - 1, (j - 1) * nx + i),
            _ => return None,
        };
        let seg_blocked = if dir.horizontal() {
            self.h_blocked[seg]
        } else {
            self.v_blocked[seg]
        };
        if seg_blocked || self.blocked[nj * nx + ni] {
            return None;
        }
        Some((ni, nj, seg))
    }
}

/// Sorted, de-duplicated grid lines: the fixed ones plus a lattice that keeps clear of them.
fn lines(mut fixed: Vec<f32>, extent: f32) -> Vec<f32> {
    fixed.sort_by(f32::total_cmp);
    // Only equal lines merge: a port must keep its own line, however close another one is,
    // or its route would end in a slanted stub.
    fixed.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    let mut all = fixed.clone();
    let mut v = 0.0;
    while v <= extent {
        let near = fixed
            .binary_search_by(|f| f.total_cmp(&v))
            .map(|_| true)
            .unwrap_or_else(|at| {
                let before = at
                    .checked_sub(1)
                    .map(|k| (fixed[k] - v).abs() < LATTICE * 0.45);
                let after = fixed.get(at).map(|f| (f - v).abs() < LATTICE * 0.45);
                before.unwrap_or(false) || after.unwrap_or(false)
            });
        if !near {
            all.push(v);
        }
        v += LATTICE;
    }
    all.sort_by(f32::total_cmp);
    all
}

fn nearest(lines: &[f32], v: f32) -> usize {
    let at = lines.partition_point(|&l| l < v);
    if at == 0 {
        return 0;
    }
    if at == lines.len() || (v - lines[at - 1]) <= (lines[at] - v) {
        at - 1
    } else {
        at
    }
}

/// One edge to route.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub from: Port,
    pub to: Port,
}

/// Routes every request around `boxes` inside a `width` × `height` canvas. Each route starts at
/// its source port, ends at its target port, and is returned with collinear points merged.
pub fn route_all(boxes: &[Rect], requests: &[Request], width: f32, height: f32) -> Vec<Vec<Point>> {
    let mut ports = Vec::new();
    for r in requests {
        ports.extend([r.from.exit(), r.to.exit()]);
    }
    let mut grid = Grid::build(boxes, &ports, width, height);
    let mut scratch = Scratch::new(grid.xs.len() * grid.ys.len() * 4);
    requests
        .iter()
        .map(|r| {
            let mut points = vec![r.from.at];
            match search(&grid, r, &mut scratch) {
                Some(cells) => {
                    mark_used(&mut grid, &cells);
                    points.extend(cells.iter().map(|&(i, j)| Point {
                        x: grid.xs[i],
                        y: grid.ys[j],
                    }));
                }
                None => {
                    // No free path (the canvas is closed off): fall back to a direct dog-leg.
                    let (a, b) = (r.from.exit(), r.to.exit());
                    points.extend([a, Point { x: a.x, y: b.y }, b]);
                }
            }
            points.push(r.to.at);
            simplify(points)
        })
        .collect()
}

/// Search state kept between searches: resetting only what the last search touched keeps each
/// search proportional to the area it explored rather than to the whole grid.
struct Scratch {
    best: Vec<u32>,
    came: Vec<u32>,
    touched: Vec<usize>,
}

impl Scratch {
    fn new(states: usize) -> Scratch {
        Scratch {
            best: vec![u32::MAX; states],
            came: vec![u32::MAX; states],
            touched: Vec::new(),
        }
    }

    fn reset(&mut self) {
        for &s in &self.touched {
            self.best[s] = u32::MAX;
            self.came[s] = u32::MAX;
        }
        self.touched.clear();
    }
}

/// A* from the source's exit point to the target's exit point over (point, direction) states.
fn search(grid: &Grid, request: &Request, scratch: &mut Scratch) -> Option<Vec<(usize, usize)>> {
    scratch.reset();
    let nx = grid.xs.len();
    let (si, sj) = grid.find(request.from.exit());
    let (ti, tj) = grid.find(request.to.exit());
    let start_dir = Dir::of(request.from.side);
    let end_dir = Dir::of(request.to.side).opposite();
    let target = Point {
        x: grid.xs[ti],
        y: grid.ys[tj],
    };
    let heuristic = |i: usize, j: usize| -> u32 {
        ((grid.xs[i] - target.x).abs() + (grid.ys[j] - target.y).abs()) as u32
    };
    let state = |i: usize, j: usize, d: Dir| (j * nx + i) * 4 + d.index();
    let Scratch {
        best,
        came,
        touched,
    } = scratch;
    let mut heap = BinaryHeap::new();
    let s0 = state(si, sj, start_dir);
    best[s0] = 0;
    touched.push(s0);
    heap.push(Reverse((heuristic(si, sj), 0u32, s0 as u32)));
    let mut goal = None;
    while let Some(Reverse((_, cost, s))) = heap.pop() {
        let s = s as usize;
        if cost > best[s] {
            continue;
        }
        let cell = s / 4;
        let (i, j) = (cell % nx, cell / nx);
        let dir = DIRS[s % 4];
        if (i, j) == (ti, tj) {
            goal = Some(s);
            break;
        }
        for next in DIRS {
            if next == dir.opposite() {
                continue;
            }
            let Some((ni, nj, seg)) = grid.step(i, j, next) else {
                continue;
            };
            let length = if next.horizontal() {
                grid.xs[ni] - grid.xs[i]
            } else {
                grid.ys[nj] - grid.ys[j]
            }
            .abs();
            let mut step_cost = length.ceil() as u32;
            if next != dir {
                step_cost += BEND_COST;
            }
            let used = if next.horizontal() {
                grid.h_used[seg]
            } else {
                grid.v_used[seg]
            };
            step_cost += OVERLAP_COST * used as u32;
            if grid.p_used[nj * nx + ni] > 0 {
                step_cost += CROSS_COST;
            }
            if (ni, nj) == (ti, tj) && next != end_dir {
                step_cost += BEND_COST;
            }
            let ns = state(ni, nj, next);
            let total = cost + step_cost;
            if total < best[ns] {
                if best[ns] == u32::MAX {
                    touched.push(ns);
                }
                best[ns] = total;
                came[ns] = s as u32;
                heap.push(Reverse((total + heuristic(ni, nj), total, ns as u32)));
            }
        }
    }
    let mut s = goal?;
    let mut cells = vec![(s / 4 % nx, s / 4 / nx)];
    while s != s0 {
        s = came[s] as usize;
        cells.push((s / 4 % nx, s / 4 / nx));
    }
    cells.reverse();
    Some(cells)
}

fn mark_used(grid: &mut Grid, cells: &[(usize, usize)]) {
    let nx = grid.xs.len();
    for w in cells.windows(2) {
        let ((i, j), (ni, nj)) = (w[0], w[1]);
        if j == nj {
            grid.h_used[j * nx + i.min(ni)] += 1;
        } else {
            grid.v_used[j.min(nj) * nx + i] += 1;
        }
    }
    for &(i, j) in cells {
        grid.p_used[j * nx + i] += 1;
    }
}

/// Merges consecutive collinear points and drops repeated ones.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out.last().is_some_and(|l| l.close_to(p)) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let collinear = ((a.x - b.x).abs() < 0.01 && (b.x - p.x).abs() < 0.01)
                || ((a.y - b.y).abs() < 0.01 && (b.y - p.y).abs() < 0.01);
            if collinear {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}
