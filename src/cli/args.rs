//! The Dutch command line: value parsers with Dutch reasons, Dutch headings in every help text
//! and Dutch messages for clap's own mistakes.

use std::net::SocketAddr;

use super::Cli;

/// Why one of our own value parsers refused a value, in Dutch; [`clap_error_text`] adds it to
/// the message (clap's own parsers give English reasons, which are left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(pub String);

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Reason {}

/// An address to listen on: `IP:port`, or `localhost:port` (the IPv4 loopback).
pub(super) fn listen_addr(s: &str) -> Result<SocketAddr, Reason> {
    let s = s.trim();
    if let Ok(a) = s.parse() {
        return Ok(a);
    }
    s.strip_prefix("localhost:")
        .and_then(|port| port.parse::<u16>().ok())
        .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
        .ok_or_else(|| Reason("verwacht IP-adres:poort, bijvoorbeeld 127.0.0.1:8080".to_string()))
}

/// The retention periods `serve` accepts, in months: at least a month (0 would erase a name the
/// moment a question is answered), at most ten years. A larger number is surely a typo, and one
/// too large to count back from today used to erase every closed record at once.
pub const RETENTION_MONTHS: std::ops::RangeInclusive<u32> = 1..=120;

/// A retention period in months within [`RETENTION_MONTHS`].
pub fn retention_months(s: &str) -> Result<u32, Reason> {
    match s.trim().parse::<u32>() {
        Ok(n) if RETENTION_MONTHS.contains(&n) => Ok(n),
        _ => Err(Reason(format!(
            "geef een aantal maanden van {} tot en met {}",
            RETENTION_MONTHS.start(),
            RETENTION_MONTHS.end()
        ))),
    }
}

/// The command line with Dutch headings in every command's help.
pub fn command() -> clap::Command {
    fn dutch(c: clap::Command) -> clap::Command {
        c.help_template("{about-with-newline}\nGebruik: {usage}\n\n{all-args}{after-help}")
            .subcommand_help_heading("Commando's")
            .mut_args(|a| {
                let a = a.hide_env_values(true);
                if a.get_help_heading().is_some() {
                    a
                } else if a.is_positional() {
                    a.help_heading("Argumenten")
                } else {
                    a.help_heading("Opties")
                }
            })
            .mut_subcommands(dutch)
    }
    dutch(<Cli as clap::CommandFactory>::command())
}

/// Parses the command line (see [`command`]).
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// A command-line mistake in Dutch, naming the environment variable when the option has one.
pub fn clap_error_text(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use clap::CommandFactory;
    let ctx = |k| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let long = arg
        .trim_start_matches('-')
        .split([' ', '='])
        .next()
        .unwrap_or("")
        .to_string();
    fn env_of(cmd: &clap::Command, long: &str) -> Option<String> {
        cmd.get_arguments()
            .find(|a| a.get_long() == Some(long))
            .and_then(|a| a.get_env())
            .map(|v| v.to_string_lossy().into_owned())
            .or_else(|| cmd.get_subcommands().find_map(|c| env_of(c, long)))
    }
    let setting = match env_of(&Cli::command(), &long) {
        Some(env) => format!("{arg} (of {env})"),
        None => arg.clone(),
    };
    let valid = ctx(ContextKind::ValidValue);
    let text = match e.kind() {
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            let mut t = format!("ongeldige waarde '{value}' voor {setting}");
            let reason = std::error::Error::source(e).and_then(|s| s.downcast_ref::<Reason>());
            if let Some(reason) = reason {
                t.push_str(&format!(": {reason}"));
            }
            if !valid.is_empty() {
                t.push_str(&format!("; kies uit: {valid}"));
            }
            t
        }
        ErrorKind::UnknownArgument => format!("onbekende optie '{arg}'"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "onbekend commando '{}'",
                ctx(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("ontbrekend: {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "geef een commando".to_string()
        }
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::TooFewValues => {
            format!("verkeerd aantal waarden voor {setting}")
        }
        ErrorKind::ArgumentConflict => format!("{arg} gaat niet samen met een andere optie"),
        _ => e.kind().to_string(),
    };
    format!("Fout: {text}. Zie `wijkwijzer --help`.")
}

#[cfg(test)]
mod tests {
    use super::{listen_addr, retention_months, RETENTION_MONTHS};
    use proptest::prelude::*;

    #[test]
    fn retention_is_one_to_a_hundred_and_twenty_months() {
        assert_eq!(retention_months("1"), Ok(1));
        assert_eq!(retention_months(" 120 "), Ok(120));
        for bad in ["0", "121", "4294967295", "99999999999", "-1", "twaalf", ""] {
            assert_eq!(
                retention_months(bad).unwrap_err().to_string(),
                "geef een aantal maanden van 1 tot en met 120",
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_retention_text_gives_a_period_in_range_or_a_dutch_reason(text in "\\PC{0,12}|[0-9]{1,12}") {
            match retention_months(&text) {
                Ok(n) => prop_assert!(RETENTION_MONTHS.contains(&n)),
                Err(reason) => prop_assert!(reason.0.starts_with("geef een aantal maanden")),
            }
        }
    }

    #[test]
    fn listen_address_takes_ip_or_localhost() {
        assert_eq!(listen_addr("0.0.0.0:80").unwrap().to_string(), "0.0.0.0:80");
        assert_eq!(listen_addr("[::1]:8080").unwrap().to_string(), "[::1]:8080");
        assert_eq!(
            listen_addr("localhost:8098").unwrap().to_string(),
            "127.0.0.1:8098"
        );
        assert!(listen_addr("localhost:99999").is_err());
        assert!(listen_addr("wijkwijzer.nl:80").is_err());
    }
}
