"""Home: what each page teaches, in two lines, with a link to it."""

import streamlit as st

from components.i18n import t
from components.navigation import PAGES

st.title(t("home.title"))
st.write(t("home.intro"))
for path, key, icon, _url in PAGES[1:]:
    with st.container(border=True):
        st.page_link(path, label=t(key), icon=icon)
        st.caption(t("home." + key.removeprefix("nav.")))
