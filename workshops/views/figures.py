"""Skeleton: being written (issue 5)."""


def network_figures(request, *args, **kwargs):
    raise NotImplementedError


network_figures_csv = network_figures_xlsx = programme_figures = network_figures
programme_figures_csv = programme_figures_xlsx = network_figures
