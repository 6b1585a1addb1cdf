//! The scorer on small fixtures: provision features in, ranked links out, no store.

use super::*;
use crate::analysis::{self, ClauseAnalysis};
use crate::model::{Clause, ClauseKind, Labelled, Lang};
use crate::text::{self, Vocabulary};

struct Fixture {
    rules: analysis::Rules,
    settings: LinkSettings,
    vocabulary: Vocabulary,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            rules: analysis::Rules::load(None).unwrap(),
            settings: LinkSettings::bundled(),
            vocabulary: Vocabulary::bundled(),
        }
    }

    fn engine(&self) -> Engine<'_> {
        Engine {
            frames: &self.rules.frames,
            taxonomy: &self.rules.taxonomy,
            settings: &self.settings,
        }
    }

    /// The features of a one-provision document.
    fn provision(&self, doc: &str, text: &str) -> Features {
        let clause = Clause {
            id: format!("{doc}/1.1"),
            doc: doc.to_string(),
            kind: ClauseKind::Provision,
            path: "1.1".into(),
            label: "1.".into(),
            heading: None,
            chapter: None,
            parent: Some(format!("{doc}/1")),
            text: text.to_string(),
            measure: text.to_string(),
            normalized: text::to_simplified(text),
            agencies: Vec::new(),
            span: 0..text.len(),
        };
        let analyses: Vec<ClauseAnalysis> = vec![self.rules.analyze(&clause)];
        let mut f = document_features(&[clause], &analyses, &self.vocabulary, &self.settings);
        f.remove(0)
    }

    /// The links of `anchor` among `others`, with corpus statistics over all of them.
    fn links(&self, anchor: &Features, others: &[Features]) -> Vec<StoredLink> {
        let stats = MemoryStats::of(std::iter::once(anchor).chain(others));
        let engine = self.engine();
        let a = Prepared::new(anchor, &stats, &self.settings);
        let candidates: Vec<Candidate> = others
            .iter()
            .map(|f| Candidate {
                prepared: Prepared::new(f, &stats, &self.settings),
                hub: 0.0,
            })
            .collect();
        let scored = engine.score_all(&a, &candidates);
        engine.links(&candidates, scored, 0.0)
    }
}

/// Unrelated measures that make the corpus statistics realistic.
fn background(fx: &Fixture) -> Vec<Features> {
    [
        "对参加境外展会的企业,按展位费的50%给予补贴。",
        "支持企业开展数字化改造,按项目投资额的20%给予补助。",
        "鼓励银行机构为中小企业提供信用贷款。",
        "对新获评省级技术中心的企业给予一次性奖励。",
        "组织企业经营管理人员参加专题培训。",
        "支持企业申请发明专利,每件资助5000元。",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| fx.provision(&format!("bg{i}"), t))
    .collect()
}

#[test]
fn the_same_reward_in_other_words_and_script_is_the_same_measure() {
    let fx = Fixture::new();
    let anchor = fx.provision(
        "a",
        "支持企业在A股或境外主要证券交易所上市,市级财政给予每家总额不超过300万元的资金补贴。",
    );
    let same = fx.provision(
        "b",
        "對在境內外證券交易所首發上市的企業,給予一次性獎勵200萬元。",
    );
    let decoy = fx.provision(
        "c",
        "支持企业与高校共建产学研合作基地,给予最高300万元资助。",
    );
    let mut others = vec![decoy, same];
    others.extend(background(&fx));
    let links = fx.links(&anchor, &others);
    assert_eq!(links[0].id, "b/1.1", "{links:#?}");
    assert_eq!(links[0].tier, Tier::Same);
    let why = links[0]
        .reasons
        .iter()
        .map(|r| r.text(Lang::Zh))
        .collect::<Vec<_>>()
        .join(";");
    assert!(why.contains("均支持上市"), "{why}");
    // the shared 300万 alone does not make the research base the same measure
    assert!(
        links
            .iter()
            .all(|l| l.id != "c/1.1" || l.tier != Tier::Same),
        "{links:#?}"
    );
}

#[test]
fn a_shared_figure_alone_never_makes_a_link() {
    let fx = Fixture::new();
    let anchor = fx.provision("a", "对新认定的单项冠军企业给予100万元奖励。");
    let other = fx.provision("b", "对建设公共实训基地的园区给予100万元。");
    let stats = MemoryStats::of([&anchor, &other]);
    let a = Prepared::new(&anchor, &stats, &fx.settings);
    let b = Prepared::new(&other, &stats, &fx.settings);
    let e = score::score(&a, &b, &fx.rules.frames, &fx.settings);
    assert!(e.figure.is_none(), "{e:?}");
    let mut others = vec![other];
    others.extend(background(&fx));
    assert!(fx.links(&anchor, &others).iter().all(|l| l.id != "b/1.1"));
}

#[test]
fn a_provision_without_an_equivalent_has_no_links() {
    let fx = Fixture::new();
    let anchor = fx.provision(
        "a",
        "统筹布局建设一批公共研发基础设施,向中小企业开放共享大型科研仪器。",
    );
    let links = fx.links(&anchor, &background(&fx));
    assert!(
        links.iter().all(|l| l.tier != Tier::Same),
        "no same-measure link expected: {links:#?}"
    );
}

#[test]
fn recognition_rewards_with_tiers_of_amounts_are_the_same_measure() {
    let fx = Fixture::new();
    let anchor = fx.provision(
        "a",
        "对新认定的专精特新“小巨人”企业,每家给予不超过100万元奖励。",
    );
    let tiers = fx.provision(
        "b",
        "对首次获评国家级、自治区级专精特新“小巨人”企业的,分别给予20万元、50万元、100万元一次性奖励。",
    );
    let base = fx.provision(
        "c",
        "支持企业联合高校建设产学研协同创新基地,最高给予100万元支持。",
    );
    let mut others = vec![base, tiers];
    others.extend(background(&fx));
    let links = fx.links(&anchor, &others);
    assert_eq!(links[0].id, "b/1.1", "{links:#?}");
    assert_eq!(links[0].tier, Tier::Same);
    let base_rank = links.iter().position(|l| l.id == "c/1.1");
    assert!(base_rank.is_none_or(|r| r > 0), "{links:#?}");
}

#[test]
fn tiers_read_in_both_languages() {
    assert_eq!(Tier::Same.label(Lang::Zh), "同一措施");
    assert_eq!(Tier::Related.label(Lang::En), "related measure");
}
