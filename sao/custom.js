/* The e-government platform's settings of the sao web client. */
(function() {
    'use strict';
    Sao.config.title = 'Hệ thống Chính quyền điện tử';
    Sao.config.doc_url = null;
    Sao.config.bug_url = null;
    Sao.config.icon_colors = '#a31d24,#3e4950,#d4a017'.split(',');
    Sao.config.calendar_colors = '#fff,#a31d24'.split(',');
    Sao.config.graph_color = '#a31d24';
    // Officials of the province work in Vietnamese: the login page, shown
    // before the user's own language is known, is in Vietnamese; after the
    // login the client follows the language of the user's preferences.
    var setlang = Sao.i18n.setlang;
    Sao.i18n.setlang = function(lang) {
        return setlang(lang || 'vi');
    };
}());
