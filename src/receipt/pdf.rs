//! The receipt as a tagged, accessible PDF: A4, PDF/UA-1, set in the Ubuntu Light that egui already ships
//! (it covers æ, ø and å, so no font has to be found on the machine).
//!
//! The layout is done here rather than by a text engine. Words are measured with the font's own advance widths
//! and drawn glyph by glyph at exactly those advances, so a measured line is the drawn line and never runs past
//! the margin. Every piece of text is tagged in reading order (title, section headings, paragraphs, lists,
//! links) and the page furniture (the rule, page numbers) is marked as artifacts, so a screen reader reads the
//! receipt as a document. PDF/UA validation is on: a receipt that would not pass is an error, not a file.

use std::num::NonZeroU16;

use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::text::{fill, words};
use super::{Line, Receipt, ReceiptError};

const MM: f32 = 72.0 / 25.4;
const PAGE_WIDTH: f32 = 210.0 * MM;
const PAGE_HEIGHT: f32 = 297.0 * MM;
const MARGIN: f32 = 20.0 * MM;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Kept free at the foot of each page for the page number.
const FOOTER: f32 = 8.0 * MM;
/// The column list markers ("1.", "•") sit in, before the text.
const GUTTER: f32 = 7.0 * MM;
/// Line height as a multiple of the font size: generous, for readers who find dense text hard.
const LEADING: f32 = 1.4;

const INK: (u8, u8, u8) = (0x1a, 0x1a, 0x1a);
const MUTED: (u8, u8, u8) = (0x4a, 0x4a, 0x4a);
const ACCENT: (u8, u8, u8) = (0x0b, 0x4f, 0x6c);
const LINK: (u8, u8, u8) = (0x0b, 0x57, 0xa4);

#[derive(Clone, Copy)]
struct Style {
    size: f32,
    color: (u8, u8, u8),
}

const LETTERHEAD: Style = Style { size: 10.0, color: MUTED };
const TITLE: Style = Style { size: 24.0, color: ACCENT };
const HEADING: Style = Style { size: 15.0, color: ACCENT };
const BODY: Style = Style { size: 12.0, color: INK };
const LINK_TEXT: Style = Style { size: 12.0, color: LINK };
const PAGE_NUMBER: Style = Style { size: 9.0, color: MUTED };

/// Lays the receipt out and writes it as PDF bytes.
pub(super) fn render(receipt: &Receipt) -> Result<Vec<u8>, ReceiptError> {
    let face = Face::load()?;
    let layout = Layout::of(receipt, &face);
    write(receipt, &face, layout)
}

/// The font with the metrics the layout needs.
struct Face {
    font: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
    /// Ascent and descent (positive) in em.
    ascent: f32,
    descent: f32,
}

impl Face {
    fn load() -> Result<Self, ReceiptError> {
        let bytes: &'static [u8] = epaint_default_fonts::UBUNTU_LIGHT;
        let broken = || ReceiptError::Pdf("the built-in font could not be read".to_owned());
        let font_ref = FontRef::new(bytes).map_err(|_| broken())?;
        let font = Font::new(bytes.into(), 0).ok_or_else(broken)?;
        let metrics = font_ref.metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(metrics.units_per_em.max(1));
        Ok(Self {
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
            ascent: metrics.ascent / units_per_em,
            descent: -metrics.descent / units_per_em,
        })
    }

    /// The text with what the font cannot draw replaced: line breaks and tabs by spaces, other control
    /// characters dropped, characters outside the font by "?". A missing glyph would make the PDF fail its
    /// accessibility check; a visible stand-in is better than no receipt.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if c.is_control() => None,
                c if self.charmap.map(c).is_some() => Some(c),
                _ => Some('?'),
            })
            .collect()
    }

    /// The advance of `c` in em.
    fn advance(&self, c: char) -> f32 {
        let glyph = self.charmap.map(c).unwrap_or_default();
        self.metrics.advance_width(glyph).unwrap_or_default() / self.units_per_em
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// One glyph per character at its plain advance: exactly what [`Self::width`] measured.
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(at, c)| {
                let glyph = self.charmap.map(c).unwrap_or_default();
                KrillaGlyph::new(
                    GlyphId::new(glyph.to_u32()),
                    self.advance(c),
                    0.0,
                    0.0,
                    0.0,
                    at..at + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// Greedy word wrap to `max` points; a word longer than a line (a long address) is broken between
    /// characters, preferably after a '/'.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if self.width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                // The space stays at the end of the line (invisible) so text extracted from the PDF keeps the
                // word break.
                line.push(' ');
                lines.push(std::mem::take(&mut line));
            }
            let mut rest = word;
            while self.width(rest, size) > max {
                let (head, tail) = self.split_long(rest, size, max);
                lines.push(head.to_owned());
                rest = tail;
            }
            rest.clone_into(&mut line);
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The longest head of `word` that fits in `max`, cut after its last '/' if there is one; never empty.
    fn split_long<'w>(&self, word: &'w str, size: f32, max: f32) -> (&'w str, &'w str) {
        let mut fits = 0;
        let mut width = 0.0;
        for (at, c) in word.char_indices() {
            width += self.advance(c) * size;
            if width > max {
                break;
            }
            fits = at + c.len_utf8();
        }
        if fits == 0 {
            fits = word.chars().next().map_or(word.len(), char::len_utf8);
        }
        let cut = word[..fits].rfind('/').map_or(fits, |slash| slash + 1);
        let cut = if cut * 2 < fits { fits } else { cut };
        word.split_at(cut)
    }

    /// Where the baseline sits in a line box of `height` starting at `top`: the text is centred in the box.
    fn baseline(&self, top: f32, height: f32, size: f32) -> f32 {
        top + (height - (self.ascent + self.descent) * size) / 2.0 + self.ascent * size
    }
}

/// A run of text tagged as one unit: a heading, a paragraph, a list label or one line of a list body.
struct Piece {
    style: Style,
    url: Option<String>,
    text_ids: Vec<Identifier>,
    annotations: Vec<Identifier>,
}

/// One drawn line of a piece.
struct Frag {
    page: usize,
    x: f32,
    top: f32,
    text: String,
    piece: usize,
}

/// The logical structure in reading order; numbers point at pieces.
enum Block {
    P(usize),
    Title(usize, String),
    Section { heading: usize, title: String, body: Vec<Body> },
}

enum Body {
    P(usize),
    List(ListNumbering, Vec<Item>),
}

struct Item {
    label: usize,
    body: Vec<usize>,
}

struct Layout<'f> {
    face: &'f Face,
    pieces: Vec<Piece>,
    frags: Vec<Frag>,
    blocks: Vec<Block>,
    /// Section headings for the document outline: title, page, top.
    outline: Vec<(String, usize, f32)>,
    page: usize,
    y: f32,
    /// The top of the rule under the title.
    rule: f32,
}

impl<'f> Layout<'f> {
    fn of(receipt: &Receipt, face: &'f Face) -> Self {
        let mut layout = Self {
            face,
            pieces: Vec::new(),
            frags: Vec::new(),
            blocks: Vec::new(),
            outline: Vec::new(),
            page: 0,
            y: MARGIN,
            rule: 0.0,
        };
        let letterhead = layout.text(&receipt.contact.name, LETTERHEAD, None, MARGIN, CONTENT_WIDTH);
        layout.blocks.push(Block::P(letterhead));
        layout.y += 1.0 * MM;
        let title = receipt.title().to_owned();
        let heading = layout.text(&title, TITLE, None, MARGIN, CONTENT_WIDTH);
        layout.blocks.push(Block::Title(heading, title));
        layout.y += 2.0 * MM;
        layout.rule = layout.y;
        layout.y += 2.0 * MM;
        for section in receipt.sections() {
            layout.section(&section.title, &section.lines);
        }
        layout
    }

    fn line_height(style: Style) -> f32 {
        style.size * LEADING
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN - FOOTER && self.y > MARGIN {
            self.page += 1;
            self.y = MARGIN;
        }
    }

    /// Wraps and places a piece of text at `x`, `width` wide, moving down; returns the piece.
    fn text(&mut self, text: &str, style: Style, url: Option<&str>, x: f32, width: f32) -> usize {
        let piece = self.pieces.len();
        // Checked again where the annotation is made: nothing but a safe link may ever become one.
        let url = url.filter(|url| crate::domain::is_safe_link(url)).map(str::to_owned);
        self.pieces.push(Piece { style, url, text_ids: Vec::new(), annotations: Vec::new() });
        let height = Self::line_height(style);
        for line in self.face.wrap(&self.face.printable(text), style.size, width) {
            self.ensure(height);
            self.frags.push(Frag { page: self.page, x, top: self.y, text: line, piece });
            self.y += height;
        }
        piece
    }

    fn section(&mut self, title: &str, lines: &[Line]) {
        self.y += 5.0 * MM;
        // Keep the heading with the first line under it.
        self.ensure(Self::line_height(HEADING) + 1.5 * MM + Self::line_height(BODY));
        self.outline.push((title.to_owned(), self.page, self.y));
        let heading = self.text(title, HEADING, None, MARGIN, CONTENT_WIDTH);
        self.y += 1.5 * MM;
        let mut body: Vec<Body> = Vec::new();
        for line in lines {
            let style = if line.url.is_some() { LINK_TEXT } else { BODY };
            if let Some(marker) = &line.marker {
                self.y += 0.8 * MM;
                self.ensure(Self::line_height(style));
                let label = self.piece_at(marker, BODY, MARGIN);
                let text = self.text(&line.text, style, line.url.as_deref(), MARGIN + GUTTER, CONTENT_WIDTH - GUTTER);
                let item = Item { label, body: vec![text] };
                match body.last_mut() {
                    Some(Body::List(_, items)) => items.push(item),
                    _ => body.push(Body::List(numbering(marker), vec![item])),
                }
            } else if line.indented {
                let text = self.text(&line.text, style, line.url.as_deref(), MARGIN + GUTTER, CONTENT_WIDTH - GUTTER);
                match body.last_mut().and_then(|b| if let Body::List(_, items) = b { items.last_mut() } else { None }) {
                    Some(item) => item.body.push(text),
                    None => body.push(Body::P(text)),
                }
            } else {
                // A sentence after a list is set apart from the list's last item.
                self.y += if matches!(body.last(), Some(Body::List(..))) { 2.0 * MM } else { 0.8 * MM };
                let text = self.text(&line.text, style, line.url.as_deref(), MARGIN, CONTENT_WIDTH);
                body.push(Body::P(text));
            }
        }
        self.blocks.push(Block::Section { heading, title: title.to_owned(), body });
    }

    /// A one-line piece at the current line without moving down: a list marker beside its text.
    fn piece_at(&mut self, text: &str, style: Style, x: f32) -> usize {
        let piece = self.pieces.len();
        self.pieces.push(Piece { style, url: None, text_ids: Vec::new(), annotations: Vec::new() });
        self.frags.push(Frag { page: self.page, x, top: self.y, text: self.face.printable(text), piece });
        piece
    }

    fn pages(&self) -> usize {
        self.page + 1
    }
}

fn numbering(marker: &str) -> ListNumbering {
    if marker.trim_end_matches('.').chars().all(|c| c.is_ascii_digit()) {
        ListNumbering::Decimal
    } else {
        ListNumbering::Disc
    }
}

fn set_color(surface: &mut Surface<'_>, (r, g, b): (u8, u8, u8)) {
    surface.set_fill(Some(Fill { paint: rgb::Color::new(r, g, b).into(), ..Fill::default() }));
}

fn write(receipt: &Receipt, face: &Face, mut layout: Layout<'_>) -> Result<Vec<u8>, ReceiptError> {
    let lang = receipt.language;
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| ReceiptError::Pdf(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration, enable_tagging: true, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    let pages = layout.pages();
    let page_settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| ReceiptError::Pdf("the page size is not valid".to_owned()))?;
    for index in 0..pages {
        let mut page = document.start_page_with(page_settings.clone());
        let mut links: Vec<(Rect, usize)> = Vec::new();
        let mut surface = page.surface();
        if index == 0 {
            draw_rule(&mut surface, layout.rule);
        }
        for frag in layout.frags.iter().filter(|f| f.page == index) {
            let piece = &mut layout.pieces[frag.piece];
            let style = piece.style;
            let height = Layout::line_height(style);
            set_color(&mut surface, style.color);
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            let baseline = face.baseline(frag.top, height, style.size);
            let glyphs = face.glyphs(&frag.text);
            surface.draw_glyphs(
                Point::from_xy(frag.x, baseline),
                &glyphs,
                face.font.clone(),
                &frag.text,
                style.size,
                false,
            );
            surface.end_tagged();
            piece.text_ids.push(id);
            if piece.url.is_some()
                && let Some(rect) =
                    Rect::from_xywh(frag.x, frag.top, face.width(frag.text.trim_end(), style.size), height)
            {
                links.push((rect, frag.piece));
            }
        }
        if pages > 1 {
            let number =
                fill(words(lang).page_of, &[("page", &(index + 1).to_string()), ("pages", &pages.to_string())]);
            draw_artifact_text(&mut surface, face, &number);
        }
        surface.finish();
        for (rect, piece) in links {
            let piece = &mut layout.pieces[piece];
            let url = piece.url.clone().unwrap_or_default();
            let target = Target::Action(LinkAction::new(url.clone()).into());
            let id = page.add_tagged_annotation(Annotation::new_link(LinkAnnotation::new(rect, target), Some(url)));
            piece.annotations.push(id);
        }
        page.finish();
    }

    let mut outline = Outline::new();
    for (title, page, top) in &layout.outline {
        outline.push_child(OutlineNode::new(title.clone(), XyzDestination::new(*page, Point::from_xy(MARGIN, *top))));
    }
    document.set_outline(outline);
    document.set_tag_tree(tag_tree(&layout, lang.code()));
    let title = format!("{} – {}", receipt.title(), super::text::long_date(lang, receipt.date));
    document
        .set_metadata(Metadata::new().title(title).language(lang.code().to_owned()).creator("Medbetjening".to_owned()));
    // The validation errors name the text that failed, which may be personal; only their number is reported.
    document.finish().map_err(|e| ReceiptError::Pdf(e.to_string()))
}

/// The thin rule under the title: decoration, so an artifact.
fn draw_rule(surface: &mut Surface<'_>, top: f32) {
    let Some(rect) = Rect::from_xywh(MARGIN, top, CONTENT_WIDTH, 0.6) else { return };
    let mut path = PathBuilder::new();
    path.push_rect(rect);
    let Some(path) = path.finish() else { return };
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)));
    set_color(surface, ACCENT);
    surface.draw_path(&path);
    surface.end_tagged();
}

/// The page number, right-aligned in the footer: pagination, so an artifact.
fn draw_artifact_text(surface: &mut Surface<'_>, face: &Face, text: &str) {
    let style = PAGE_NUMBER;
    let width = face.width(text, style.size);
    let top = PAGE_HEIGHT - MARGIN - Layout::line_height(style);
    let baseline = face.baseline(top, Layout::line_height(style), style.size);
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::PageNumber)));
    set_color(surface, style.color);
    let glyphs = face.glyphs(text);
    surface.draw_glyphs(
        Point::from_xy(MARGIN + CONTENT_WIDTH - width, baseline),
        &glyphs,
        face.font.clone(),
        text,
        style.size,
        false,
    );
    surface.end_tagged();
}

/// A piece's content: its text, inside a Link element with the annotations when it is a link.
fn nodes(piece: &Piece) -> Vec<Node> {
    if piece.url.is_some() {
        let mut link = TagGroup::new(Tag::Link);
        for id in piece.text_ids.iter().chain(&piece.annotations) {
            link.push(*id);
        }
        vec![link.into()]
    } else {
        piece.text_ids.iter().map(|id| Node::from(*id)).collect()
    }
}

fn group(tag: impl Into<krilla::tagging::TagKind>, pieces: &[&Piece]) -> TagGroup {
    TagGroup::with_children(tag, pieces.iter().flat_map(|p| nodes(p)).collect())
}

fn heading(level: u16, title: &str, piece: &Piece) -> TagGroup {
    let level = NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN);
    group(Tag::Hn(level, Some(title.to_owned())), &[piece])
}

fn tag_tree(layout: &Layout<'_>, lang: &str) -> TagTree {
    let pieces = &layout.pieces;
    let mut tree = TagTree::new().with_lang(Some(lang.to_owned()));
    for block in &layout.blocks {
        match block {
            Block::P(piece) => tree.push(group(Tag::P, &[&pieces[*piece]])),
            Block::Title(piece, title) => tree.push(heading(1, title, &pieces[*piece])),
            Block::Section { heading: piece, title, body } => {
                let mut section = TagGroup::new(Tag::Section);
                section.push(heading(2, title, &pieces[*piece]));
                for part in body {
                    match part {
                        Body::P(piece) => section.push(group(Tag::P, &[&pieces[*piece]])),
                        Body::List(numbering, items) => {
                            let mut list = TagGroup::new(Tag::L(*numbering));
                            for item in items {
                                // Each line of the body is its own paragraph, so a screen reader pauses between
                                // the step and its due date.
                                let body = item.body.iter().map(|p| group(Tag::P, &[&pieces[*p]]).into()).collect();
                                let children = vec![
                                    group(Tag::Lbl, &[&pieces[item.label]]).into(),
                                    TagGroup::with_children(Tag::LBody, body).into(),
                                ];
                                list.push(TagGroup::with_children(Tag::LI, children));
                            }
                            section.push(list);
                        }
                    }
                }
                tree.push(section);
            }
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "Husk at tage pas, sundhedskort og lejekontrakt med, når du kommer igen, og ring gerne i forvejen \
                        https://www.borger.dk/en/meget/lang/adresse/der/ikke/kan/staa/paa/en/linje/fordi/den/er/alt/for/lang/til/siden";

    #[test]
    fn wrapped_lines_never_run_past_the_width_and_lose_no_word() {
        let face = Face::load().expect("the built-in font loads");
        for width in [60.0, 150.0, CONTENT_WIDTH - GUTTER] {
            let lines = face.wrap(LONG, BODY.size, width);
            assert!(lines.len() > 1);
            for line in &lines {
                assert!(face.width(line.trim_end(), BODY.size) <= width + 0.01, "'{line}' is wider than {width}");
            }
            assert_eq!(
                lines.concat().split_whitespace().collect::<Vec<_>>(),
                LONG.split_whitespace().collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn what_the_font_cannot_draw_is_replaced_not_dropped() {
        let face = Face::load().expect("the built-in font loads");
        assert_eq!(face.printable("Ærø\tå 😀\u{7}"), "Ærø å ?");
    }

    #[test]
    fn every_line_stays_inside_the_margins_on_every_page() {
        let face = Face::load().expect("the built-in font loads");
        let mut receipt = Receipt {
            language: crate::domain::Language::Da,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("date"),
            citizen_name: None,
            masked_cpr: None,
            channel: crate::domain::Channel::Phone,
            site: "Borgerservice".to_owned(),
            done: vec![LONG.to_owned(); 5],
            outcome: crate::domain::Outcome::Completed,
            next_steps: Vec::new(),
            links: Vec::new(),
            referral: Some(LONG.to_owned()),
            contact: super::super::ContactInfo::builtin(),
        };
        receipt.next_steps = (1..=40)
            .map(|_| crate::domain::NextStep {
                text: LONG.to_owned(),
                due: None,
                url: Some(format!("https://www.borger.dk/{}", LONG.replace(' ', ""))),
            })
            .collect();
        let layout = Layout::of(&receipt, &face);
        assert!(layout.pages() > 2);
        for frag in &layout.frags {
            let style = layout.pieces[frag.piece].style;
            assert!(frag.x >= MARGIN && frag.top >= MARGIN, "'{}' starts in the margin", frag.text);
            let right = frag.x + face.width(frag.text.trim_end(), style.size);
            assert!(right <= PAGE_WIDTH - MARGIN + 0.01, "'{}' runs into the right margin", frag.text);
            let bottom = frag.top + Layout::line_height(style);
            assert!(bottom <= PAGE_HEIGHT - MARGIN - FOOTER + 0.01, "'{}' runs into the footer", frag.text);
        }
        receipt.to_pdf().expect("a long receipt still passes PDF/UA validation");
    }
}
