use stackwright_check::*;
#[test]
fn dump() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    for dir in ["cdk", "reference", "hand"] {
        let Ok(rd) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        let mut files: Vec<_> = rd
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let r = FileReport::from_text(
                &format!("{dir}/{}", f.file_name().unwrap().to_string_lossy()),
                &text,
            );
            print!("{}", render_text(&[r]));
        }
    }
}
