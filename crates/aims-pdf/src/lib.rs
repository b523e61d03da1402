//! Typeset PDF reports: any [`ReportDoc`] laid out by one typst template
//! (`report.typ`) with typst as a library. The fonts (DejaVu Sans regular,
//! bold and oblique) are in the binary; the template reads nothing but the
//! report's data, so no file, package or network is ever reached. The
//! report arrives as JSON and is set as text, never parsed as markup:
//! whatever users typed cannot change the layout.
//!
//! Kept in its own crate (typst is heavy to build); the `aims` binary plugs
//! [`Typst`] into the app as its `Typesetter`.

use aims_export::doc::{Block, ReportDoc, Typesetter};
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, Severity};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("report.typ");
const FONTS: [&[u8]; 3] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../fonts/DejaVuSans-Oblique.ttf"),
];

/// What every report shares: the library, the fonts and the template,
/// loaded once.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data_id: FileId,
}

fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|p| RootedPath::new(VirtualRoot::Project, p).intern())
}

static SHARED: LazyLock<Option<Shared>> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONTS
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Some(Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        main: Source::new(file_id("/main.typ")?, TEMPLATE.to_owned()),
        data_id: file_id("/report.json")?,
        fonts,
    })
});

/// One report being typeset: the shared parts and its data.
struct ReportWorld {
    shared: &'static Shared,
    data: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.shared.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.shared.main.id() {
            Ok(self.shared.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.shared.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// The report's data as the template reads it.
#[derive(serde::Serialize)]
struct TemplateData<'a> {
    title: &'a str,
    subtitle: &'a str,
    organisation: &'a str,
    /// The day it was made, as people read it.
    generated: String,
    doc_blocks: &'a [Block],
}

/// `doc` laid out in pages.
fn layout(doc: &ReportDoc) -> Result<PagedDocument, String> {
    let shared = SHARED
        .as_ref()
        .ok_or("the report template could not be loaded")?;
    let data = serde_json::to_vec(&TemplateData {
        title: &doc.title,
        subtitle: &doc.subtitle,
        organisation: &doc.organisation,
        generated: aims_export::doc::day(&doc.generated_on),
        doc_blocks: &doc.blocks,
    })
    .map_err(|e| e.to_string())?;
    let world = ReportWorld {
        shared,
        data: Bytes::new(data),
    };
    typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| {
            errors
                .iter()
                .filter(|e| e.severity == Severity::Error)
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
}

/// `doc` as a PDF file.
pub fn render(doc: &ReportDoc) -> Result<Vec<u8>, String> {
    let pdf = layout(doc).and_then(|document| {
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
    });
    // What typst memoised for this report is of no use to the next one: a
    // long-running server keeps only the last two reports' worth.
    typst::comemo::evict(2);
    pdf
}

/// The typesetter the `aims` binary plugs into the app.
#[derive(Debug, Default, Clone, Copy)]
pub struct Typst;

impl Typesetter for Typst {
    fn pdf(&self, doc: &ReportDoc) -> Result<Vec<u8>, String> {
        render(doc)
    }
}

#[cfg(test)]
mod tests;
