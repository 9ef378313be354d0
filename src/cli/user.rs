//! `wijkwijzer user`: accounts of the coordination point (add, reset, list, disable, enable).

use std::path::Path;

use clap::Subcommand;

use crate::domain::clock::Clock;
use crate::store::Store;

/// Account commands.
#[derive(Subcommand, Debug)]
pub enum UserWhat {
    /// Maak een account en druk een eenmalige link af om het wachtwoord te kiezen.
    Add {
        /// E-mailadres (de inlognaam).
        email: String,
        /// Rol: beheerder, coordinator of redacteur.
        #[arg(long)]
        role: String,
        /// Lees het wachtwoord van standaardinvoer in plaats van een link af te drukken.
        #[arg(long)]
        password_stdin: bool,
        /// Publieke basis-URL voor de link.
        #[arg(
            long,
            env = "WIJKWIJZER_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
    },
    /// Wis het wachtwoord (en met --totp de tweestapsverificatie), beëindig alle sessies en druk
    /// een nieuwe eenmalige link af.
    Reset {
        /// E-mailadres.
        email: String,
        /// Ook de tweestapsverificatie wissen (telefoon kwijt).
        #[arg(long)]
        totp: bool,
        /// Publieke basis-URL voor de link.
        #[arg(
            long,
            env = "WIJKWIJZER_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
    },
    /// Toon alle accounts.
    List,
    /// Schakel een account uit (inloggen kan dan niet meer).
    Disable {
        /// E-mailadres.
        email: String,
    },
    /// Schakel een uitgeschakeld account weer in.
    Enable {
        /// E-mailadres.
        email: String,
    },
}

/// The `user` commands.
pub(super) async fn user(db: &Path, what: UserWhat, clock: &Clock) -> anyhow::Result<i32> {
    use crate::security::{self, Role};
    let store = Store::open(db).await?;
    match what {
        UserWhat::Add {
            email,
            role,
            password_stdin,
            base_url,
        } => {
            let Some(email) = crate::domain::text::parse_email(&email) else {
                eprintln!("Ongeldig e-mailadres: '{email}'.");
                return Ok(2);
            };
            let Some(role) = Role::parse(&role) else {
                eprintln!("Onbekende rol '{role}'. Kies beheerder, coordinator of redacteur.");
                return Ok(2);
            };
            let hash = if password_stdin {
                let mut password = String::new();
                std::io::stdin().read_line(&mut password)?;
                let password = password.trim_end_matches(['\r', '\n']).to_string();
                if let Err(reason) = security::check_new_password(&password, &email) {
                    eprintln!("{reason}");
                    return Ok(2);
                }
                Some(
                    tokio::task::spawn_blocking(move || security::hash_password(&password))
                        .await??,
                )
            } else {
                None
            };
            let id = match store
                .create_user(&email, role, hash.as_deref(), "cli")
                .await
            {
                Ok(id) => id,
                Err(crate::store::StoreError::Conflict(_)) => {
                    eprintln!("Er is al een account met e-mailadres {email}.");
                    return Ok(1);
                }
                Err(e) => return Err(e.into()),
            };
            println!("Account {email} ({}) aangemaakt.", role.label());
            if hash.is_none() {
                let token = security::random_hex(32);
                store
                    .create_password_token(id, &security::token_hash(&token), 72, clock.now())
                    .await?;
                println!(
                    "Eenmalige link om het wachtwoord te kiezen (72 uur geldig):\n{}/beheer/wachtwoord/{token}",
                    base_url.trim_end_matches('/')
                );
            }
            if role.needs_totp() {
                println!(
                    "Een beheerder stelt bij de eerste keer inloggen tweestapsverificatie in."
                );
            }
            Ok(0)
        }
        UserWhat::Reset {
            email,
            totp,
            base_url,
        } => {
            let Some(id) = store.reset_user(&email, totp, "cli", clock.now()).await? else {
                eprintln!("Geen account met e-mailadres {email}.");
                return Ok(1);
            };
            let token = security::random_hex(32);
            store
                .create_password_token(id, &security::token_hash(&token), 72, clock.now())
                .await?;
            println!(
                "Account {email} gereset; alle sessies zijn beëindigd.\nEenmalige link om een nieuw wachtwoord te kiezen (72 uur geldig):\n{}/beheer/wachtwoord/{token}",
                base_url.trim_end_matches('/')
            );
            Ok(0)
        }
        UserWhat::List => {
            let users = store.users().await?;
            if users.is_empty() {
                println!(
                    "Nog geen accounts. Maak er een met: wijkwijzer user add EMAIL --role ROL"
                );
            }
            for u in users {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.email,
                    u.role.slug(),
                    if u.disabled {
                        "uitgeschakeld"
                    } else {
                        "actief"
                    },
                    if u.password_hash.is_some() {
                        "wachtwoord gezet"
                    } else {
                        "wacht op wachtwoord"
                    },
                    if u.totp_secret.is_some() {
                        "tweestaps aan"
                    } else {
                        "tweestaps uit"
                    },
                );
            }
            Ok(0)
        }
        UserWhat::Disable { email } | UserWhat::Enable { email } if email.trim().is_empty() => {
            eprintln!("Geef een e-mailadres.");
            Ok(2)
        }
        UserWhat::Disable { email } => set_disabled(&store, &email, true, clock).await,
        UserWhat::Enable { email } => set_disabled(&store, &email, false, clock).await,
    }
}

/// Switches the account of `email` off (`disabled`) or on again: exit code 0, or 1 when there
/// is no such account.
async fn set_disabled(
    store: &Store,
    email: &str,
    disabled: bool,
    clock: &Clock,
) -> anyhow::Result<i32> {
    if store
        .set_user_disabled(email, disabled, "cli", clock.now())
        .await?
    {
        let done = if disabled {
            "uitgeschakeld"
        } else {
            "ingeschakeld"
        };
        println!("Account {email} {done}.");
        Ok(0)
    } else {
        eprintln!("Geen account met e-mailadres {email}.");
        Ok(1)
    }
}
