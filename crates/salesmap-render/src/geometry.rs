//! [`Point`] and [`Rect`]: the plane the drawing is laid out on, in SVG units (y grows
//! downward). The layout places boxes and the router routes edges in it; both, and the
//! writers, speak these two types and nothing else about space.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub fn close_to(self, other: Point) -> bool {
        (self.x - other.x).abs() < 0.01 && (self.y - other.y).abs() < 0.01
    }
}

/// An axis-aligned rectangle: top-left corner, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    pub fn cx(&self) -> f32 {
        self.x + self.w / 2.0
    }
    pub fn cy(&self) -> f32 {
        self.y + self.h / 2.0
    }
    pub fn grown(&self, d: f32) -> Rect {
        Rect {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
    }
    /// Whether the interiors intersect (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right() - 0.01
            && other.x < self.right() - 0.01
            && self.y < other.bottom() - 0.01
            && other.y < self.bottom() - 0.01
    }
    /// Whether `other` lies within this rectangle (with a hair of tolerance).
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x - 0.01
            && other.y >= self.y - 0.01
            && other.right() <= self.right() + 0.01
            && other.bottom() <= self.bottom() + 0.01
    }
    /// Whether `p` lies on the outline.
    pub fn on_border(&self, p: Point) -> bool {
        let within_x = p.x >= self.x - 0.01 && p.x <= self.right() + 0.01;
        let within_y = p.y >= self.y - 0.01 && p.y <= self.bottom() + 0.01;
        let on_x = (p.x - self.x).abs() < 0.01 || (p.x - self.right()).abs() < 0.01;
        let on_y = (p.y - self.y).abs() < 0.01 || (p.y - self.bottom()).abs() < 0.01;
        (on_x && within_y) || (on_y && within_x)
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect {
            x,
            y,
            w: self.right().max(other.right()) - x,
            h: self.bottom().max(other.bottom()) - y,
        }
    }
}
