//! The insights workspace: the filters and exports on top, then every chart with its table beside it, and the
//! sessions behind a bar or a row in a window.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, PlotPoints};

use super::super::app::ViewCtx;
use super::super::i18n::fill;
use super::super::widgets::{describe, heading};
use super::charts::{Plot, Table, number, tables};
use super::text::{InsightsText, insights_text};
use super::{ExportKind, Filters, InsightsCommand, InsightsState};
use crate::console::command::Commands;
use crate::domain::Channel;

/// Tables this wide or wider go under their plot instead of beside it.
const SIDE_BY_SIDE: f32 = 900.0;

/// Draws the workspace in the central area.
pub fn ui(view: &ViewCtx<'_>, state: &mut InsightsState, ui: &mut Ui, commands: &mut Commands) {
    let t = insights_text(view.lang);
    egui::CentralPanel::default().show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            heading(ui, t.title);
            if ui.button(t.close).on_hover_text(super::super::shell::keys::Shortcut::Insights.hint()).clicked() {
                commands.push(InsightsCommand::Toggle);
            }
        });
        if let Some(filters) = state.filters.as_mut() {
            filters_ui(view, t, filters, ui, commands);
        }
        if let Some(problem) = &state.problem {
            let text = fill(t.bad_filter, &[("detail", problem)]);
            ui.label(RichText::new(format!("⚠ {text}")).color(view.palette.error_fg));
        }
        exports_ui(view, t, state, ui, commands);
        if state.is_busy() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(view.text.loading);
            });
        }
        if let Some(error) = first_error(state) {
            ui.label(RichText::new(format!("⚠ {}", describe(view, error))).color(view.palette.error_fg));
        }
        ui.separator();
        let shown = tables(state, t, view.lang);
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            if shown.iter().all(|table| table.rows.is_empty()) && !state.is_busy() {
                ui.label(t.no_data);
            }
            for (index, table) in shown.iter().enumerate() {
                chart_ui(view, t, index, table, ui, commands);
                ui.separator();
            }
        });
    });
    drill_window(view, state, ui.ctx(), commands);
}

fn first_error(state: &InsightsState) -> Option<&crate::history::client::ClientError> {
    [
        state.weekly.error(),
        state.shift.error(),
        state.readiness.error(),
        state.failure.error(),
        state.sites.error(),
        state.site_failures.error(),
        state.funnel.error(),
    ]
    .into_iter()
    .flatten()
    .next()
}

/// A labelled text field; `true` when Enter was pressed in it.
fn field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> bool {
    let label = ui.label(label);
    let response = ui.add(egui::TextEdit::singleline(text).desired_width(width)).labelled_by(label.id);
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

fn filters_ui(view: &ViewCtx<'_>, t: &InsightsText, filters: &mut Filters, ui: &mut Ui, commands: &mut Commands) {
    ui.horizontal_wrapped(|ui| {
        let mut submitted = field(ui, t.from, &mut filters.from, 96.0);
        submitted |= field(ui, t.to, &mut filters.to, 96.0);
        submitted |= field(ui, t.site, &mut filters.site, 160.0);
        let before = filters.channel.clone();
        let label = ui.label(t.channel);
        let selected =
            Channel::ALL.into_iter().find(|c| c.code() == filters.channel).map_or(t.all, |c| c.label(view.lang));
        let combo = egui::ComboBox::from_id_salt("insights-channel").selected_text(selected).show_ui(ui, |ui| {
            ui.selectable_value(&mut filters.channel, String::new(), t.all);
            for channel in Channel::ALL {
                ui.selectable_value(&mut filters.channel, channel.code().to_owned(), channel.label(view.lang));
            }
        });
        let _named = combo.response.labelled_by(label.id);
        submitted |= filters.channel != before;
        submitted |= field(ui, t.kle_group, &mut filters.kle_group, 64.0);
        let before = filters.guide.clone();
        let label = ui.label(t.guide);
        let combo =
            egui::ComboBox::from_id_salt("insights-guide").selected_text(filters.guide.as_str()).show_ui(ui, |ui| {
                for guide in view.guides.map(|l| l.guides.as_slice()).unwrap_or_default() {
                    ui.selectable_value(&mut filters.guide, guide.id.clone(), guide.title.get(view.lang));
                }
            });
        let _named = combo.response.labelled_by(label.id);
        submitted |= filters.guide != before;
        if ui.button(t.update).clicked() || submitted {
            commands.push(InsightsCommand::Refresh);
        }
    });
}

fn exports_ui(view: &ViewCtx<'_>, t: &InsightsText, state: &InsightsState, ui: &mut Ui, commands: &mut Commands) {
    ui.horizontal_wrapped(|ui| {
        if ui.button(t.export_screen).clicked() {
            commands.push(InsightsCommand::Export(ExportKind::Screen));
        }
        if ui.button(t.export_komhen).clicked() {
            commands.push(InsightsCommand::Export(ExportKind::Komhen));
        }
        match &state.exported {
            Some(Ok(name)) => {
                ui.label(RichText::new(fill(t.exported, &[("name", name)])).color(view.palette.resolved_fg));
            }
            Some(Err(detail)) => {
                ui.label(RichText::new(fill(t.export_failed, &[("detail", detail)])).color(view.palette.error_fg));
            }
            None => {}
        }
    });
}

/// One chart: its plot and its table, side by side when there is room.
fn chart_ui(view: &ViewCtx<'_>, t: &InsightsText, index: usize, table: &Table, ui: &mut Ui, commands: &mut Commands) {
    ui.label(RichText::new(&table.title).strong().size(16.0));
    if table.rows.is_empty() {
        ui.label(t.no_data);
        return;
    }
    let wide = ui.available_width() >= SIDE_BY_SIDE;
    if wide {
        ui.columns(2, |columns| {
            plot_ui(index, table, &mut columns[0], commands);
            table_ui(view, t, index, table, &mut columns[1], commands);
        });
    } else {
        plot_ui(index, table, ui, commands);
        table_ui(view, t, index, table, ui, commands);
    }
    if let Some(note) = &table.note {
        ui.label(note);
    }
}

/// The plot of a table. Clicking a bar opens the sessions behind its row.
fn plot_ui(index: usize, table: &Table, ui: &mut Ui, commands: &mut Commands) {
    let plot = egui_plot::Plot::new(("insights-plot", index))
        .height(220.0)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0);
    let labels: Vec<String> = table.rows.iter().map(|row| row[0].clone()).collect();
    let plot = plot.x_axis_formatter(move |mark, _| {
        let index = mark.value.round();
        let exact = (mark.value - index).abs() < 1e-6 && index >= 0.0;
        exact.then(|| labels.get(row_at(index)?).cloned()).flatten().unwrap_or_default()
    });
    let plot = if table.plot == Plot::Line { plot.include_y(100.0) } else { plot };
    let shown = plot.show(ui, |plot_ui| {
        match table.plot {
            Plot::Line => {
                let column = table.plotted[0];
                let points: Vec<[f64; 2]> = table
                    .rows
                    .iter()
                    .enumerate()
                    .filter_map(|(x, row)| Some([position(x), number(&row[column])?]))
                    .collect();
                plot_ui.line(Line::new(table.header[column].clone(), PlotPoints::from(points)));
            }
            Plot::Stacked | Plot::Grouped => {
                let series = position(table.plotted.len());
                let grouped = table.plot == Plot::Grouped;
                let mut charts: Vec<BarChart> = Vec::new();
                for (n, column) in table.plotted.iter().enumerate() {
                    let offset = if grouped { (position(n) - (series - 1.0) / 2.0) * 0.8 / series } else { 0.0 };
                    let bars = table
                        .rows
                        .iter()
                        .enumerate()
                        .map(|(x, row)| {
                            Bar::new(position(x) + offset, number(&row[*column]).unwrap_or(0.0)).name(&row[0])
                        })
                        .collect();
                    let width = if grouped { 0.8 / series } else { 0.7 };
                    let mut chart = BarChart::new(table.header[*column].clone(), bars).width(width);
                    if !grouped {
                        chart = chart.stack_on(&charts.iter().collect::<Vec<_>>());
                    }
                    charts.push(chart);
                }
                for chart in charts {
                    plot_ui.bar_chart(chart);
                }
            }
        }
        let clicked = plot_ui.response().clicked();
        plot_ui.pointer_coordinate().filter(|_| clicked).map(|p| p.x.round())
    });
    // A screen reader hears the chart's title; its numbers are in the table beside it.
    shown.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &table.title));
    let clicked = shown.inner;
    let row = clicked.and_then(row_at);
    if let Some(target) = row.and_then(|r| table.drill.get(r).copied().flatten()) {
        commands.push(InsightsCommand::Drill(target));
    }
}

/// The table of a chart; a row with sessions behind it has a button that opens them.
fn table_ui(view: &ViewCtx<'_>, t: &InsightsText, index: usize, table: &Table, ui: &mut Ui, commands: &mut Commands) {
    egui::ScrollArea::both().id_salt(("insights-table", index)).max_height(260.0).show(ui, |ui| {
        egui::Grid::new(("insights-grid", index)).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
            for cell in &table.header {
                ui.label(RichText::new(cell).strong());
            }
            ui.label("");
            ui.end_row();
            for (row, target) in table.rows.iter().zip(&table.drill) {
                for cell in row {
                    ui.label(cell);
                }
                if let Some(target) = target {
                    let button = ui.button(t.show_sessions).on_hover_text(&row[0]);
                    // Each button names its row, so a screen reader does not read a column of the same words.
                    let name = format!("{}: {}", t.show_sessions, row[0]);
                    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if button.clicked() {
                        commands.push(InsightsCommand::Drill(*target));
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
    });
    let _ = view;
}

/// The sessions behind the bar or row chosen.
fn drill_window(view: &ViewCtx<'_>, state: &InsightsState, ctx: &egui::Context, commands: &mut Commands) {
    let Some(drill) = &state.drill else { return };
    let t = insights_text(view.lang);
    let mut open = true;
    let title = fill(t.sessions_behind, &[("title", &drill.title)]);
    egui::Window::new(title).open(&mut open).default_width(720.0).show(ctx, |ui| {
        if let Some(error) = drill.page.error() {
            ui.label(RichText::new(format!("⚠ {}", describe(view, error))).color(view.palette.error_fg));
        }
        let Some(page) = drill.page.value() else {
            ui.spinner();
            return;
        };
        if page.rows.is_empty() {
            ui.label(t.no_sessions);
            return;
        }
        if page.next.is_some() {
            ui.label(t.more_sessions);
        }
        egui::ScrollArea::vertical().max_height(420.0).show(ui, |ui| {
            egui::Grid::new("insights-drill-grid").striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
                for row in &page.rows {
                    let when = super::super::citizen::timeline::local_date_time(row.started_at);
                    ui.label(&when);
                    ui.label(&row.site);
                    ui.label(row.channel.as_str());
                    ui.label(&row.kle);
                    ui.label(&row.kind);
                    ui.label(&row.outcome);
                    ui.label(&row.failure);
                    ui.label(&row.guide);
                    ui.label(format!("{:.1} {}", row.minutes, t.minutes));
                    let name = format!("{} {}", t.open, when);
                    let button = ui.button(t.open);
                    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if button.clicked() {
                        commands.push(InsightsCommand::OpenSession(row.id));
                    }
                    ui.end_row();
                }
            });
        });
    });
    if !open {
        commands.push(InsightsCommand::CloseDrill);
    }
}

/// A row's place on a chart's x axis: a chart has a few hundred rows at most, far inside what f64 holds exactly.
#[allow(clippy::cast_precision_loss)]
fn position(index: usize) -> f64 {
    index as f64
}

/// The row at a whole x position, if any.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn row_at(x: f64) -> Option<usize> {
    (x >= 0.0 && x.is_finite()).then_some(x as usize)
}
