//! `--screenshot`: the console captured as PNG after a scripted plan, for documentation and review.

/// What the screenshot mode does before it captures: its command-line options.
#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // Independent command-line switches, not a state machine in disguise.
pub struct ShotPlan {
    /// With --screenshot: look this up first (a CPR number, phone number or name).
    #[arg(long, requires = "screenshot")]
    lookup: Option<String>,
    /// With --screenshot: then start this guide (by id, e.g. flytning).
    #[arg(long, requires = "screenshot")]
    guide: Option<String>,
    /// With --screenshot: then go this many steps on in the guide (first answer at each question).
    #[arg(long, requires = "guide", default_value_t = 0)]
    advance: u32,
    /// With --screenshot: also open and capture the citizen view (saved as NAME-citizen.png).
    #[arg(long, requires = "guide")]
    citizen_view: bool,
    /// With --screenshot: show the guide in presentation mode instead of starting it (--advance then moves through
    /// its steps in file order).
    #[arg(long, requires = "guide", conflicts_with = "citizen_view")]
    present: bool,
    /// With --screenshot: start a session for the citizen looked up, before the guide.
    #[arg(long, requires = "screenshot")]
    session: bool,
    /// With --session: at the end, open the wrap-up ("wrap-up"), or log and show the receipt ("receipt").
    #[arg(long, requires = "session", value_parser = ["wrap-up", "receipt"])]
    then: Option<String>,
    /// With --screenshot: at the very end, open a window: the group session ("group") or the practice
    /// scenarios ("scenarios"), or the insights workspace ("insights", for a supervisor).
    #[arg(long, requires = "screenshot", value_parser = ["group", "scenarios", "insights"])]
    open: Option<String>,
}

#[cfg(feature = "console")]
impl ShotPlan {
    /// The actions to play, in order.
    pub fn script(self) -> Vec<medbetjening::console::screenshot::Action> {
        use medbetjening::console::screenshot::Action;
        let mut script: Vec<Action> = self.lookup.into_iter().map(Action::Lookup).collect();
        if self.session {
            script.push(Action::StartSession);
        }
        script.extend(self.guide.map(if self.present { Action::Present } else { Action::StartGuide }));
        script.extend((0..self.advance).map(|_| Action::Advance));
        if self.citizen_view {
            script.push(Action::CitizenView);
        }
        match self.then.as_deref() {
            Some("wrap-up") => script.push(Action::WrapUp),
            Some("receipt") => script.extend([Action::WrapUp, Action::Log, Action::Receipt]),
            _ => {}
        }
        match self.open.as_deref() {
            Some("group") => script.push(Action::GroupSession),
            Some("scenarios") => script.push(Action::Scenarios),
            Some("insights") => script.push(Action::Insights),
            _ => {}
        }
        script
    }
}
