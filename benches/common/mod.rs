//! What the benchmarks share: generated corpora derived from the bundled documents, and
//! the machine they ran on.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use policynav::corpus::{self, CorpusSource, DocumentMeta};
use regex::Regex;

/// Places (name, level) the generated documents are attributed to.
pub const PLACES: &[(&str, &str, &str)] = &[
    ("Hangzhou", "杭州市", "city"),
    ("Ningbo", "宁波市", "city"),
    ("Wenzhou", "温州市", "city"),
    ("Suzhou", "苏州市", "city"),
    ("Nanjing", "南京市", "city"),
    ("Wuxi", "无锡市", "city"),
    ("Hefei", "合肥市", "city"),
    ("Wuhan", "武汉市", "city"),
    ("Changsha", "长沙市", "city"),
    ("Chengdu", "成都市", "city"),
    ("Xi'an", "西安市", "city"),
    ("Qingdao", "青岛市", "city"),
    ("Jinan", "济南市", "city"),
    ("Zhengzhou", "郑州市", "city"),
    ("Fuzhou", "福州市", "city"),
    ("Xiamen", "厦门市", "city"),
    ("Guangzhou", "广州市", "city"),
    ("Shenzhen", "深圳市", "city"),
    ("Dongguan", "东莞市", "city"),
    ("Foshan", "佛山市", "city"),
    ("Shanghai", "上海市", "municipality"),
    ("Tianjin", "天津市", "municipality"),
    ("Chongqing", "重庆市", "municipality"),
    ("Jiangsu", "江苏省", "province"),
    ("Guangdong", "广东省", "province"),
    ("Shandong", "山东省", "province"),
    ("Hubei", "湖北省", "province"),
    ("Sichuan", "四川省", "province"),
    ("Chaoyang", "朝阳区", "district"),
    ("Pudong", "浦东新区", "district"),
    ("Nanshan", "南山区", "district"),
    ("Binjiang", "滨江区", "district"),
];

/// The bundled documents: metadata and text.
pub fn originals() -> Vec<(DocumentMeta, String)> {
    let none = std::env::temp_dir().join("policynav-bench-no-user-corpus");
    corpus::entries(&CorpusSource::Bundled { user_dir: none })
        .expect("bundled manifest")
        .into_iter()
        .map(|e| {
            let text = corpus::BUNDLED_FILES
                .iter()
                .find(|(f, _)| *f == e.meta.file)
                .expect("bundled file")
                .1
                .to_string();
            (e.meta, text)
        })
        .collect()
}

/// Writes `n` documents derived from the bundled ones (other places, scaled figures,
/// other dates) with a manifest into `dir`; returns the bytes of text written.
pub fn generate(dir: &Path, n: usize) -> u64 {
    std::fs::create_dir_all(dir).expect("generated dir");
    // the domain files of the bundled corpus
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for e in std::fs::read_dir(&src).expect("corpus dir").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if (name.ends_with(".toml") && name != "manifest.toml") || name == "dict.txt" {
            std::fs::copy(e.path(), dir.join(&name)).expect("copy domain file");
        }
    }
    let money = Regex::new(r"(\d+(?:\.\d+)?)(\s*)(万元|萬元|亿元|億元|万|萬)").expect("regex");
    let percent = Regex::new(r"(\d+)%").expect("regex");
    let originals: Vec<(DocumentMeta, String, Vec<String>)> = originals()
        .into_iter()
        .map(|(meta, text)| {
            let mut names = vec![meta.jurisdiction_zh.clone().unwrap_or_default()];
            if let Some(short) = names[0].strip_suffix(['市', '省', '区']) {
                names.push(short.to_string());
            }
            names.retain(|n| !n.is_empty());
            (meta, text, names)
        })
        .collect();
    let mut metas = Vec::with_capacity(n);
    let mut bytes = 0u64;
    for i in 0..n {
        let (meta, text, names) = &originals[i % originals.len()];
        let (en, zh, level) = PLACES[(i / originals.len()) % PLACES.len()];
        let factor = 1 + (i * 7) % 9;
        let mut body = text.clone();
        for name in names {
            body = body.replace(name.as_str(), zh.trim_end_matches(['市', '省', '区']));
        }
        let body = money.replace_all(&body, |c: &regex::Captures| {
            let v: f64 = c[1].parse().unwrap_or(1.0);
            format!("{}{}{}", v * factor as f64, &c[2], &c[3])
        });
        let body = percent.replace_all(&body, |c: &regex::Captures| {
            let v: u32 = c[1].parse().unwrap_or(10);
            format!("{}%", (v + (i as u32 % 5) * 5).min(100))
        });
        let id = format!("{}-{i:05}", meta.id);
        let file = format!("{id}.txt");
        std::fs::write(dir.join(&file), body.as_bytes()).expect("write generated document");
        bytes += body.len() as u64;
        let mut m = meta.clone();
        m.id = id;
        m.file = file;
        m.jurisdiction = format!("{en} {}", i / (originals.len() * PLACES.len()));
        m.jurisdiction_zh = Some(zh.to_string());
        m.level = policynav::search::parse_level(level).expect("level");
        metas.push(m);
    }
    #[derive(serde::Serialize)]
    struct Manifest<'a> {
        document: &'a [DocumentMeta],
    }
    let manifest = toml::to_string(&Manifest { document: &metas }).expect("manifest serialises");
    std::fs::write(dir.join("manifest.toml"), manifest).expect("write manifest");
    bytes
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().next().and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1_048_576.0)
        .unwrap_or(0.0);
    let mut s = String::new();
    let _ = write!(s, "{cpu}, {cores} cores, {mem:.0} GiB RAM");
    s
}

pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
